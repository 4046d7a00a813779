"""Dash pages of the command centre."""
