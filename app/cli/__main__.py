"""``python -m app.cli``: the ``tongdai`` command without its script."""

from app.cli.main import main

raise SystemExit(main())
