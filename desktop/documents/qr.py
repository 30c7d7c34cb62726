"""The QR code matrix of a case number: the qrcode package with a faster choice of mask pattern."""

from __future__ import annotations

import itertools
import re
from functools import cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

_RUN = re.compile("00000+|11111+")
_FINDER = "1011101"  # 1:1:3:1:1, penalised with four light modules before or after it


def _bits(row: list) -> int:
    """A matrix row as an int, the first module the highest bit."""
    return int("".join("1" if module else "0" for module in row), 2)


@cache
def _blanks(version: int) -> tuple[tuple[int, ...], ...]:
    """Per mask pattern, qrcode's test matrix of no data, rows as ints: the function patterns
    with each data module set to its mask bit.

    NOTE: this depends on the version alone (the layout of function patterns), never on the
    data, like qrcode's own cache of blank matrices.
    """
    probe = qrcode.QRCode(version=version)
    probe.data_cache = []  # no data: makeImpl leaves only the mask in the data modules
    out = []
    for pattern in range(8):
        probe.makeImpl(True, pattern)
        out.append(tuple(_bits(row) for row in probe.modules))
    return tuple(out)


def _penalty(rows: list[int], size: int) -> int:
    """ISO/IEC 18004 mask penalty, the same numbers as qrcode.util.lost_point, on rows as ints."""
    texts = [format(r, f"0{size}b") for r in rows]
    columns = ["".join(col) for col in zip(*texts, strict=True)]
    lines = "\n".join(texts + columns)  # one string: a newline ends every run and pattern
    runs = _RUN.findall(lines)
    points = sum(map(len, runs)) - 2 * len(runs)  # N1: 3 + (run - 5) per run of 5 or more
    full = (1 << (size - 1)) - 1  # the size-1 left columns of each 2x2 block
    for a, b in itertools.pairwise(rows):  # N2: 3 per 2x2 block of one colour
        same = ~(a ^ b)
        points += 3 * ((same & (same >> 1) & ~(a ^ (a >> 1))) & full).bit_count()
    find, at = lines.find, lines.find(_FINDER)  # N3: 40 each; the newlines end every line
    while at >= 0:
        points += 40 * ((lines[at + 7:at + 11] == "0000") + (at >= 4 and lines[at - 4:at] == "0000"))
        at = find(_FINDER, at + 1)
    dark = sum(r.bit_count() for r in rows)  # N4: 10 per whole 5 % away from half dark
    return points + int(abs(dark / (size * size) * 100 - 50) / 5) * 10


class _QRCode(qrcode.QRCode):
    def best_mask_pattern(self) -> int:
        """The pattern qrcode would choose, from one masked matrix instead of eight.

        NOTE: qrcode builds and scores all eight candidates module by module, which was most of
        a receipt's QR cost. In its test matrices the format bits are all light, so candidates
        differ only in the masked data modules: XOR with mask 0's blank leaves the bare data
        bits, and XOR with each pattern's blank gives that candidate, as ints. A test checks the
        choice against qrcode's own on many numbers.
        """
        self.makeImpl(True, 0)
        blanks = _blanks(self.version)
        data = [_bits(row) ^ blank for row, blank in zip(self.modules, blanks[0], strict=True)]
        scores = [_penalty([d ^ blank for d, blank in zip(data, blanks[k], strict=True)], self.modules_count)
                  for k in range(8)]
        return scores.index(min(scores))


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of ``data`` at level M, without the quiet zone (the caller leaves it)."""
    code = _QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    # (make() has set every module; before it the library's matrix holds None for unset ones)
    return [[bool(module) for module in row] for row in code.modules]
