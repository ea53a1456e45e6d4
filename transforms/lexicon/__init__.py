"""Small word lists used by `transforms.segmenter` (package data, read with importlib.resources).

Each `.txt` file starts with a comment block saying where its words came from. None of them is derived from
any SIGHAN / icwb2 data.
"""
