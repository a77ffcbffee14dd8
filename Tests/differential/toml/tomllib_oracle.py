#!/usr/bin/env python3
"""Reads FOLDER/0.toml … FOLDER/(N-1).toml with Python's tomllib and prints one line each:
the document in a canonical form (tables as ordered [key, value] pairs, every value tagged
with its type, floats as the hex of their bits), or `error` when tomllib refuses it."""

import datetime
import json
import struct
import sys
import tomllib


def canonical(value):
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["integer", str(value)]
    if isinstance(value, float):
        return ["float", "nan" if value != value else struct.pack(">d", value).hex()]
    if isinstance(value, str):
        return ["string", value]
    if isinstance(value, datetime.datetime):
        kind = "offset-date-time" if value.tzinfo else "local-date-time"
        return [kind, value.isoformat()]
    if isinstance(value, datetime.date):
        return ["local-date", value.isoformat()]
    if isinstance(value, datetime.time):
        return ["local-time", value.isoformat()]
    if isinstance(value, list):
        return ["array", [canonical(item) for item in value]]
    if isinstance(value, dict):
        return ["table", [[key, canonical(item)] for key, item in value.items()]]
    raise TypeError(type(value))


def main():
    folder, count = sys.argv[1], int(sys.argv[2])
    for number in range(count):
        with open(f"{folder}/{number}.toml", "rb") as file:
            try:
                document = tomllib.load(file)
            except Exception:
                print("error")
                continue
        print(json.dumps(canonical(document), ensure_ascii=True, separators=(",", ":")))


main()
