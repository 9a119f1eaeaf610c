"""Download the Fingertips data a framework names, into the project's data folder.

For each indicator with `fingertips:`, the API's `all_data/csv/by_indicator_id` CSV is downloaded (with a
timeout and retries, since the service is often slow or down), kept in a cache inside the data folder, and
all of them are written as one export, `data/fingertips.csv`, which the project lists by path. With
`offline`, or when the service does not answer, the cached downloads are used, and the user is told so.
Nothing is written outside the project's data folder.
"""

from __future__ import annotations

import io
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from perfwatch.data.fingertips import FINGERTIPS_COLUMNS, is_fingertips
from perfwatch.errors import PerfwatchError
from perfwatch.framework.model import Framework

FINGERTIPS_API = "https://fingertips.phe.org.uk/api/"
ENDPOINT = "all_data/csv/by_indicator_id"
COUNTIES_AND_UAS = 502
ENGLAND = 15
EXPORT_NAME = "fingertips.csv"
CACHE_FOLDER = ".fingertips-cache"


@dataclass
class Fetched:
    """What `fetch_fingertips` did: the export written, indicators downloaded now and read from the cache."""

    export: Path
    downloaded: list[int] = field(default_factory=list)
    cached: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def indicator_ids(framework: Framework) -> list[int]:
    """The distinct Fingertips IDs the framework's indicators name, in framework order."""
    ids = [i.fingertips_series.id for i in framework.indicators.values() if i.fingertips_series]
    return list(dict.fromkeys(ids))


def _url(base: str, indicator: int, area_type: int, parent_area_type: int) -> str:
    query = urllib.parse.urlencode(
        {
            "indicator_ids": indicator,
            "child_area_type_id": area_type,
            "parent_area_type_id": parent_area_type,
            "include_sortable_time_periods": "yes",
        }
    )
    return f"{base.rstrip('/')}/{ENDPOINT}?{query}"


def _download(url: str, timeout: float, retries: int, backoff: float) -> bytes:
    """The response body; raises `OSError` naming the last failure after `retries` more tries."""
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (the base URL is http(s))
                return response.read()
        except urllib.error.HTTPError as error:
            last = error
            if error.code < 500 and error.code != 429:  # a bad request will not get better by asking again
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            last = error
    reason = getattr(last, "reason", None) or last
    raise OSError(f"{reason}")


def fetch_fingertips(
    framework: Framework,
    data_folder: Path,
    *,
    base_url: str = FINGERTIPS_API,
    area_type: int = COUNTIES_AND_UAS,
    parent_area_type: int = ENGLAND,
    timeout: float = 30.0,
    retries: int = 2,
    backoff: float = 2.0,
    offline: bool = False,
) -> Fetched:
    """Download (or take from the cache) every Fingertips indicator the framework names; write one export.

    Raises `PerfwatchError` when an indicator can be neither downloaded nor found in the cache.
    """
    if not base_url.startswith(("http://", "https://")):
        raise PerfwatchError(f"the Fingertips address must start with http:// or https://, not {base_url!r}")
    ids = indicator_ids(framework)
    if not ids:
        raise PerfwatchError(
            "no indicator names a Fingertips indicator: add `fingertips: ID` to the framework"
        )
    cache = data_folder / CACHE_FOLDER
    cache.mkdir(parents=True, exist_ok=True)
    fetched = Fetched(data_folder / EXPORT_NAME)
    bodies: list[bytes] = []
    for indicator in ids:
        cached = cache / f"{indicator}-{area_type}-{parent_area_type}.csv"
        body = None
        if not offline:
            try:
                body = _download(
                    _url(base_url, indicator, area_type, parent_area_type), timeout, retries, backoff
                )
            except OSError as error:
                fetched.problems.append(f"indicator {indicator}: {error}")
        if body is not None:
            header = body.decode("utf-8-sig", errors="replace").split("\n", 1)[0].split(",")
            if not is_fingertips(h.strip().strip('"') for h in header):
                raise PerfwatchError(
                    f"Fingertips answered indicator {indicator} with something that is not its CSV export "
                    f"(it begins {body[:60]!r}); the service may be down for maintenance: try again later"
                )
            _write_atomically(cached, body)
            fetched.downloaded.append(indicator)
        elif cached.is_file():
            body = cached.read_bytes()
            fetched.cached.append(indicator)
        else:
            why = "offline, and" if offline else f"Fingertips did not answer ({fetched.problems[-1]}), and"
            raise PerfwatchError(
                f"cannot fetch Fingertips indicator {indicator}: {why} it has never been downloaded; try again "
                "when the service is up (https://fingertips.phe.org.uk), or download it from the website into "
                f"{data_folder}"
            )
        bodies.append(body)
    _write_atomically(fetched.export, _combined(bodies))
    return fetched


def _combined(bodies: list[bytes]) -> bytes:
    """One export from several: the published header once, then every body's rows."""
    out = io.BytesIO()
    out.write((",".join(FINGERTIPS_COLUMNS) + "\n").encode())
    for body in bodies:
        text = body.decode("utf-8-sig")
        header, _, rows = text.partition("\n")
        if [h.strip().strip('"') for h in header.strip().split(",")] != list(FINGERTIPS_COLUMNS):
            rows = _reordered(text)
        out.write(rows.replace("\r\n", "\n").encode())
        if rows and not rows.endswith("\n"):
            out.write(b"\n")
    return out.getvalue()


def _reordered(text: str) -> str:
    """Rows of an export whose columns come in another order (or with extra ones), in the published order."""
    import pandas as pd

    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return (
        frame.reindex(columns=list(FINGERTIPS_COLUMNS), fill_value="").to_csv(index=False).partition("\n")[2]
    )


def _write_atomically(path: Path, body: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(body)
    os.replace(temporary, path)
