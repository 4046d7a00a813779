"""Dash pages, one file each with its own callbacks; Dash loads them (use_pages)."""
