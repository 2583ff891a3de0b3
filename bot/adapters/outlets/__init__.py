"""Outlets: the sending side of each platform — card → rendered message → platform sender."""
