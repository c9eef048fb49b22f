"""The embedded battle, installed as ``hengyang_map.geo``: data only, no code.

This file only makes the folder a regular package, so that ``importlib.resources`` finds the
data in a wheel and in an editable install alike (a namespace package cannot be read there).
"""
