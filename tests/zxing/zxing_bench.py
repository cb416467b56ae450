"""ZXing-C++ (PyPI zxing-cpp) on the exact luma frames crossqr's scan benchmark wrote.

Reads index.json ({"frames": [{"name", "path", "width", "height"}], "repeat": N}) and prints one JSON
line per frame: {"name", "texts", "ms"} with `ms` the median CPU time of the calling thread over N
read_barcodes calls (QR only, library defaults: try_harder, try_rotate, try_invert, try_downscale),
the measure crossqr's side uses. Byte-mode payloads are reported UTF-8 first, as crossqr reports
them.
"""
import json
import statistics
import sys
import time

import numpy as np
import zxingcpp


def text_of(result):
    try:
        return bytes(result.bytes).decode("utf-8")
    except UnicodeDecodeError:
        return result.text


def main(index_path):
    index = json.load(open(index_path))
    for frame in index["frames"]:
        img = np.fromfile(frame["path"], dtype=np.uint8).reshape(frame["height"], frame["width"])
        times, results = [], []
        for _ in range(index["repeat"]):
            start = time.thread_time()
            results = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
            times.append((time.thread_time() - start) * 1000)
        print(json.dumps({"name": frame["name"], "texts": [text_of(r) for r in results], "ms": statistics.median(times)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
