"""What every client test shares: where the sandbox is, the clip to upload,
and the sandbox's record of what it received."""

import hashlib
import os
import sys

import requests

MOCK_URL = os.environ["MOCK_URL"]
CLIP = os.environ["CLIP"]


def clip_sha256() -> str:
    with open(CLIP, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def records(platform: str) -> list:
    """Everything the sandbox recorded for one platform, oldest first."""
    r = requests.get(f"{MOCK_URL}/__admin/records", timeout=10)
    r.raise_for_status()
    return [x for x in r.json() if x.get("platform") == platform]


def record(platform: str, id_: str) -> dict:
    for x in records(platform):
        if x.get("id") == id_:
            return x
    sys.exit(f"{platform}: the sandbox has no record of {id_}")


def check(cond: bool, what: str) -> None:
    if not cond:
        sys.exit(f"FAILED: {what}")
    print(f"  ok: {what}")
