"""Keyword handlers: plain functions from a parsed request to a channel-neutral Reply."""
