"""HallDesk (政务窗口受理台): the desktop application package."""

__version__ = "0.1.0"
