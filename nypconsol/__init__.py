"""nypconsol: plan the move from individual police social-media accounts to district accounts."""

__version__ = "0.2.0"
