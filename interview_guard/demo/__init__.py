"""A first run that needs nothing: bundled GRID clips (CC BY 4.0, media/ATTRIBUTION.md) and manipulated
copies made from them at run time."""
