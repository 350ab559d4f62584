"""Domain types and pure functions shared by every part of PerTouch."""
