"""Online public services (DVC): real names of common administrative procedures, grouped by field, with the
office that handles them; fees, processing times and document lists are sample data (simplified, not the legal
text). The portal link is the city's public-service portal."""

from __future__ import annotations

import random
from typing import Any

from catalogue_common import field, shown, write

PORTAL = "https://dichvucong.danang.gov.vn"
WARD, CITY = "UBND phường/xã", "Trung tâm Phục vụ hành chính công thành phố"
# field -> (office, level, documents, [(procedure, aliases)])
FIELDS: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {
    "Hộ tịch": (
        WARD,
        "Cấp xã",
        "Tờ khai theo mẫu; giấy tờ tùy thân; giấy tờ chứng minh nội dung đăng ký",
        [
            ("Đăng ký khai sinh", "khai sinh; giấy khai sinh"),
            ("Đăng ký kết hôn", "kết hôn; đăng ký kết hôn"),
            ("Đăng ký khai tử", "khai tử; báo tử"),
            ("Đăng ký nhận cha, mẹ, con", "nhận cha mẹ con"),
            ("Đăng ký giám hộ", "giám hộ"),
            ("Đăng ký chấm dứt giám hộ", "chấm dứt giám hộ"),
            ("Thay đổi, cải chính, bổ sung thông tin hộ tịch", "cải chính hộ tịch; sửa giấy khai sinh"),
            ("Cấp giấy xác nhận tình trạng hôn nhân", "xác nhận độc thân; tình trạng hôn nhân"),
            ("Cấp bản sao trích lục hộ tịch", "trích lục; bản sao giấy khai sinh"),
            ("Đăng ký lại khai sinh", "đăng ký lại khai sinh"),
            ("Đăng ký lại kết hôn", "đăng ký lại kết hôn"),
            ("Đăng ký khai sinh kết hợp nhận cha, mẹ, con", "khai sinh nhận cha"),
            ("Đăng ký khai sinh có yếu tố nước ngoài", "khai sinh nước ngoài"),
            ("Đăng ký kết hôn có yếu tố nước ngoài", "kết hôn nước ngoài; kết hôn với người nước ngoài"),
            ("Ghi vào Sổ hộ tịch việc kết hôn đã đăng ký ở nước ngoài", "ghi chú kết hôn"),
        ],
    ),
    "Chứng thực": (
        WARD,
        "Cấp xã",
        "Bản chính giấy tờ; giấy tờ tùy thân",
        [
            ("Chứng thực bản sao từ bản chính", "sao y; công chứng bản sao; chứng thực bản sao"),
            ("Chứng thực chữ ký", "chứng thực chữ ký"),
            ("Chứng thực hợp đồng, giao dịch", "chứng thực hợp đồng"),
            ("Chứng thực di chúc", "di chúc"),
            ("Chứng thực văn bản thỏa thuận phân chia di sản", "phân chia di sản"),
            ("Chứng thực văn bản khai nhận di sản", "khai nhận di sản"),
        ],
    ),
    "Cư trú": (
        "Công an phường/xã",
        "Cấp xã",
        "Tờ khai thay đổi thông tin cư trú; giấy tờ chứng minh chỗ ở hợp pháp",
        [
            ("Đăng ký thường trú", "nhập hộ khẩu; thường trú"),
            ("Đăng ký tạm trú", "tạm trú"),
            ("Xóa đăng ký thường trú", "cắt hộ khẩu; xóa thường trú"),
            ("Khai báo tạm vắng", "tạm vắng"),
            ("Gia hạn tạm trú", "gia hạn tạm trú"),
            ("Xác nhận thông tin về cư trú", "xác nhận cư trú"),
            ("Tách hộ", "tách hộ khẩu"),
        ],
    ),
    "Căn cước": (
        "Công an thành phố",
        "Cấp tỉnh",
        "Không cần giấy tờ nếu đã có dữ liệu dân cư; ảnh chân dung chụp tại chỗ",
        [
            ("Cấp thẻ căn cước", "căn cước; CCCD; làm căn cước"),
            ("Cấp đổi thẻ căn cước", "đổi căn cước; đổi CCCD"),
            ("Cấp lại thẻ căn cước", "mất căn cước; cấp lại CCCD"),
            ("Cấp hộ chiếu phổ thông", "hộ chiếu; passport"),
        ],
    ),
    "Tư pháp": (
        "Sở Tư pháp",
        "Cấp tỉnh",
        "Tờ khai; bản chụp căn cước",
        [
            ("Cấp Phiếu lý lịch tư pháp", "lý lịch tư pháp; LLTP"),
            ("Cấp Phiếu lý lịch tư pháp cho người nước ngoài", "lý lịch tư pháp nước ngoài"),
        ],
    ),
    "Đất đai": (
        "Văn phòng đăng ký đất đai",
        "Cấp tỉnh",
        "Đơn theo mẫu; giấy chứng nhận đã cấp; hợp đồng, giấy tờ liên quan",
        [
            ("Đăng ký đất đai, cấp giấy chứng nhận lần đầu", "sổ đỏ; cấp sổ đỏ; giấy chứng nhận quyền sử dụng đất"),
            ("Đăng ký biến động do chuyển nhượng quyền sử dụng đất", "sang tên sổ đỏ; chuyển nhượng đất"),
            ("Đăng ký biến động do thừa kế, tặng cho", "thừa kế đất; tặng cho đất"),
            ("Cấp đổi giấy chứng nhận quyền sử dụng đất", "đổi sổ đỏ"),
            ("Cấp lại giấy chứng nhận bị mất", "mất sổ đỏ"),
            ("Tách thửa, hợp thửa đất", "tách thửa; hợp thửa"),
            ("Đăng ký thế chấp quyền sử dụng đất", "thế chấp sổ đỏ"),
            ("Xóa đăng ký thế chấp", "xóa thế chấp"),
            ("Chuyển mục đích sử dụng đất", "chuyển mục đích; lên thổ cư"),
            ("Cung cấp thông tin dữ liệu đất đai", "trích lục thửa đất; thông tin quy hoạch"),
            ("Đính chính giấy chứng nhận quyền sử dụng đất", "đính chính sổ đỏ"),
        ],
    ),
    "Xây dựng": (
        "Sở Xây dựng",
        "Cấp tỉnh",
        "Đơn đề nghị; bản vẽ thiết kế; giấy tờ về quyền sử dụng đất",
        [
            ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "giấy phép xây dựng; xin phép xây nhà"),
            ("Điều chỉnh giấy phép xây dựng", "điều chỉnh giấy phép xây dựng"),
            ("Gia hạn giấy phép xây dựng", "gia hạn giấy phép xây dựng"),
            ("Cấp giấy phép sửa chữa, cải tạo công trình", "sửa chữa nhà; cải tạo nhà"),
            ("Cấp chứng chỉ hành nghề hoạt động xây dựng", "chứng chỉ hành nghề xây dựng"),
            ("Thông báo khởi công xây dựng", "khởi công"),
        ],
    ),
    "Kinh doanh": (
        "Phòng Tài chính - Kế hoạch",
        "Cấp xã",
        "Giấy đề nghị theo mẫu; bản sao giấy tờ pháp lý của chủ hộ",
        [
            ("Đăng ký thành lập hộ kinh doanh", "hộ kinh doanh; đăng ký kinh doanh; giấy phép kinh doanh"),
            ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "thay đổi hộ kinh doanh"),
            ("Tạm ngừng kinh doanh hộ kinh doanh", "tạm ngừng kinh doanh"),
            ("Chấm dứt hoạt động hộ kinh doanh", "giải thể hộ kinh doanh; chấm dứt kinh doanh"),
            ("Đăng ký thành lập doanh nghiệp", "thành lập công ty; đăng ký doanh nghiệp"),
            ("Cấp giấy phép bán lẻ rượu", "giấy phép rượu"),
            ("Cấp giấy phép bán lẻ sản phẩm thuốc lá", "giấy phép thuốc lá"),
            ("Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "giấy chứng nhận ATTP; an toàn thực phẩm"),
            ("Cấp giấy phép kinh doanh dịch vụ karaoke", "giấy phép karaoke"),
            ("Đăng ký thành lập hợp tác xã", "hợp tác xã; HTX"),
        ],
    ),
    "Giao thông": (
        "Sở Xây dựng (lĩnh vực giao thông)",
        "Cấp tỉnh",
        "Đơn đề nghị; giấy phép lái xe cũ; giấy khám sức khỏe",
        [
            ("Đổi giấy phép lái xe", "đổi bằng lái; đổi GPLX"),
            ("Cấp lại giấy phép lái xe", "mất bằng lái; cấp lại GPLX"),
            ("Cấp giấy phép lái xe quốc tế", "bằng lái quốc tế; IDP"),
            ("Đăng ký xe máy, ô tô", "đăng ký xe; biển số xe"),
            ("Cấp phép thi công công trình trên đường bộ đang khai thác", "đào đường; thi công trên đường"),
            ("Cấp giấy phép kinh doanh vận tải bằng xe ô tô", "giấy phép vận tải; phù hiệu xe"),
            ("Sát hạch, cấp giấy phép lái xe", "thi bằng lái; thi GPLX"),
            ("Cấp phù hiệu xe taxi", "phù hiệu taxi"),
        ],
    ),
    "Lao động - Việc làm": (
        "Sở Nội vụ",
        "Cấp tỉnh",
        "Tờ khai; sổ bảo hiểm xã hội; quyết định thôi việc",
        [
            ("Giải quyết hưởng trợ cấp thất nghiệp", "thất nghiệp; bảo hiểm thất nghiệp"),
            ("Cấp giấy phép lao động cho người nước ngoài", "giấy phép lao động; work permit"),
            ("Đăng ký nội quy lao động", "nội quy lao động"),
            ("Hỗ trợ học nghề", "học nghề"),
        ],
    ),
    "Bảo trợ xã hội": (
        WARD,
        "Cấp xã",
        "Tờ khai; giấy tờ chứng minh đối tượng",
        [
            ("Trợ cấp xã hội hằng tháng", "trợ cấp xã hội; bảo trợ xã hội"),
            ("Xác định mức độ khuyết tật", "khuyết tật; giấy xác nhận khuyết tật"),
            ("Hỗ trợ chi phí mai táng", "mai táng phí"),
            ("Công nhận hộ nghèo, hộ cận nghèo", "hộ nghèo; cận nghèo"),
            ("Trợ cấp người cao tuổi", "người cao tuổi; trợ cấp tuổi già"),
            ("Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "BHYT trẻ em; thẻ bảo hiểm trẻ em"),
            ("Đăng ký bảo hiểm y tế hộ gia đình", "BHYT hộ gia đình; bảo hiểm y tế"),
        ],
    ),
    "Y tế": (
        "Sở Y tế",
        "Cấp tỉnh",
        "Đơn đề nghị; văn bằng chuyên môn; giấy khám sức khỏe",
        [
            ("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "chứng chỉ hành nghề y"),
            ("Cấp giấy phép hoạt động phòng khám", "mở phòng khám"),
            ("Cấp chứng chỉ hành nghề dược", "chứng chỉ dược"),
            ("Cấp giấy chứng nhận đủ điều kiện kinh doanh dược", "mở nhà thuốc"),
            ("Cấp lại giấy chứng sinh", "giấy chứng sinh"),
        ],
    ),
    "Giáo dục": (
        "Sở Giáo dục và Đào tạo",
        "Cấp tỉnh",
        "Đơn đề nghị; bản sao văn bằng; giấy tờ tùy thân",
        [
            ("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "bản sao bằng tốt nghiệp"),
            ("Chỉnh sửa nội dung văn bằng, chứng chỉ", "sửa bằng tốt nghiệp"),
            ("Chuyển trường đối với học sinh trung học", "chuyển trường"),
            ("Cho phép trung tâm ngoại ngữ, tin học hoạt động", "mở trung tâm ngoại ngữ"),
            ("Tuyển sinh vào lớp 10", "tuyển sinh lớp 10; thi lớp 10"),
            ("Tuyển sinh vào lớp 1", "tuyển sinh lớp 1"),
            ("Tuyển sinh vào lớp 6", "tuyển sinh lớp 6"),
        ],
    ),
    "Thuế, phí": (
        "Thuế thành phố",
        "Cấp tỉnh",
        "Tờ khai; giấy tờ liên quan",
        [
            ("Đăng ký mã số thuế cá nhân", "mã số thuế; MST"),
            ("Quyết toán thuế thu nhập cá nhân", "quyết toán thuế"),
            ("Khai lệ phí trước bạ nhà, đất", "trước bạ nhà đất"),
            ("Khai lệ phí trước bạ xe", "trước bạ xe"),
            ("Hoàn thuế thu nhập cá nhân", "hoàn thuế"),
            ("Đăng ký thuế hộ kinh doanh", "thuế hộ kinh doanh; thuế khoán"),
        ],
    ),
    "Môi trường": (
        "Sở Nông nghiệp và Môi trường",
        "Cấp tỉnh",
        "Văn bản đề nghị; báo cáo theo mẫu",
        [
            ("Đăng ký môi trường", "đăng ký môi trường"),
            ("Cấp giấy phép môi trường", "giấy phép môi trường"),
            ("Cấp giấy phép khai thác nước dưới đất", "khai thác nước ngầm"),
            ("Cấp giấy phép xả nước thải vào nguồn nước", "xả thải"),
        ],
    ),
}
FEES = (
    "Miễn phí",
    "Miễn phí",
    "20.000 đồng",
    "30.000 đồng",
    "50.000 đồng",
    "100.000 đồng",
    "200.000 đồng",
    "Theo biểu phí (mẫu)",
)
DAYS = (
    "Trong ngày",
    "1 ngày làm việc",
    "3 ngày làm việc",
    "5 ngày làm việc",
    "7 ngày làm việc",
    "10 ngày làm việc",
    "15 ngày làm việc",
    "20 ngày làm việc",
)


def rows(seed: int = 1022) -> list[dict[str, Any]]:
    rng = random.Random(seed + 4)
    made: list[dict[str, Any]] = []
    for domain, (office, level, documents, procedures) in FIELDS.items():
        for name, aliases in procedures:
            n = len(made) + 1
            made.append(
                {
                    "id": f"DVC{n:03d}",
                    "name": name,
                    "aliases": aliases,
                    "domain": domain,
                    "office": office,
                    "level": level,
                    "fee": rng.choice(FEES),
                    "processing_time": rng.choice(DAYS),
                    "documents": documents,
                    "online": rng.choice(("Toàn trình", "Một phần")),
                    "link": f"{PORTAL}/thu-tuc/DVC{n:03d}",
                }
            )
    return made


def write_procedures() -> int:
    fields = [
        field("id", "string", "Mã thủ tục", required=True),
        field("name", "string", "Tên thủ tục", required=True),
        field("aliases", "string", "Cách gọi khác"),
        field("domain", "string", "Lĩnh vực"),
        field("office", "string", "Cơ quan thực hiện"),
        field("level", "string", "Cấp thực hiện"),
        field("fee", "string", "Phí, lệ phí"),
        field("processing_time", "string", "Thời hạn giải quyết"),
        field("documents", "string", "Thành phần hồ sơ"),
        field("online", "string", "Mức dịch vụ trực tuyến", enum=["Toàn trình", "Một phần"]),
        field("link", "string", "Đường dẫn nộp hồ sơ"),
    ]
    tongdai = {
        "keyword": "DVC",
        "aliases": ["THUTUC", "SERVICE"],
        "english": ["SERVICE"],
        "name": "name",
        "alias_field": "aliases",
        "qualifiers": ["domain"],
        "help": {
            "vi": "DVC <thủ tục>: cơ quan, lệ phí, thời hạn, hồ sơ cần có, nơi nộp trực tuyến",
            "en": "SERVICE <procedure>: office, fee, processing time, documents, where to apply online",
        },
        "example": "DVC khai sinh",
        "category": {"vi": "Dịch vụ công", "en": "Public services"},
        "order": 50,
        "reply": {
            "fields": [
                shown("office", "Nơi giải quyết", "Office"),
                shown("fee", "Lệ phí", "Fee"),
                shown("processing_time", "Thời hạn", "Processing time"),
                shown("documents", "Hồ sơ", "Documents"),
                shown("link", "Nộp trực tuyến", "Apply online"),
                shown("online", "Mức trực tuyến", "Online", sms=False),
                shown("domain", "Lĩnh vực", "Field", sms=False),
            ],
            "line": ["domain", "office"],
        },
    }
    return write(
        "public_services",
        "Thủ tục hành chính, dịch vụ công trực tuyến (dữ liệu mẫu)",
        "Tên thủ tục là tên thật, thường gặp; cơ quan giải quyết theo phân cấp chung; lệ phí, thời hạn, "
        "hồ sơ là dữ liệu mẫu rút gọn, không phải văn bản pháp lý: xem cổng dịch vụ công để biết chính "
        "xác. Real procedure names; fees, times and documents are simplified sample data.",
        "Sinh bởi data/tools/make_catalogue.py; tên thủ tục theo danh mục thủ tục hành chính công khai",
        fields,
        rows(),
        tongdai,
    )
