"""Forum Kiosk: front-desk check-in, badges and agreements for forums and conferences."""

__version__ = "0.1.0"
