"""The registration code of a machine, composed from the dated `code_structure` parameter (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stdnum.iso7064 import mod_37_36

# NOTE: the structure is data (nrmm.toml `code_structure`): this module only knows how to fill its
# placeholders and append the check character. A structure changed on a later date yields codes of the
# new shape from that day; codes already issued keep theirs (the register stores each code as issued).


def prefix_for(structure: Mapping[str, Any], district: str, window: str) -> str:
    """The part of the code before the serial: what the serial counter is kept per."""
    pattern = str(structure["pattern"])
    head = pattern.split("{serial}")[0]
    return head.format(district=str(district).zfill(int(structure["district_width"])),
                       window=f"{int(window):0{int(structure['window_width'])}d}")


def compose(structure: Mapping[str, Any], district: str, window: str, serial: int) -> str:
    """The full code for ``serial`` of that prefix, with its check character."""
    width = int(structure["serial_width"])
    if not 1 <= serial < 10 ** width:
        raise OverflowError(f"编码登记号的流水号已用完（{width}位）")
    body = prefix_for(structure, district, window) + f"{serial:0{width}d}"
    return body + check_character(structure, body)


def check_character(structure: Mapping[str, Any], body: str) -> str:
    if structure.get("check") != "iso7064_mod_37_36":
        raise ValueError(f"unknown check scheme {structure.get('check')!r}")
    return mod_37_36.calc_check_digit(body)


def normalize(value: Any) -> str:
    """A code or product number as typed or scanned: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-_/]", "", str(value or "")).upper()


def is_valid(value: str) -> bool:
    """Well formed: letters and digits with a correct MOD 37,36 check character."""
    value = normalize(value)
    return len(value) >= 2 and value.isalnum() and mod_37_36.is_valid(value)
