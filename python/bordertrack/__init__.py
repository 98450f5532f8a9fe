"""bordertrack: international border segments whose delimitation and demarcation statuses change
over time, and incident tables classified against the status at each incident's date.

All distances are geodesic on WGS84 (metres); coordinates are longitude/latitude in degrees.
The work is done by the Rust library (``bordertrack._native``); classification runs with the
GIL released on every core.
"""
from __future__ import annotations

import io
import os
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from ._native import Borders as _NativeBorders

__all__ = ["Borders"]

_GEOMETRY_SUFFIX = ("lon", "lat")


def _frame(text: str) -> pd.DataFrame:
    """The library's CSV output as a DataFrame, every column kept as the library wrote it."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _check(problems: Sequence[str]) -> None:
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ValueError(f"{len(problems)} bad row(s):\n{shown}{more}")


class Borders:
    """A dataset of border segments with its spatial index and status timelines.

    Create one with :meth:`Borders.embedded` or :meth:`Borders.load`; it is cheap to share
    between threads.
    """

    def __init__(self, native: _NativeBorders) -> None:
        self._native = native

    @classmethod
    def embedded(cls) -> "Borders":
        """The dataset compiled into the library."""
        return cls(_NativeBorders.embedded())

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "Borders":
        """A dataset directory (the layout of the repository's ``geodata/``), validated.

        Raises ``ValueError`` naming every problem when the dataset is invalid.
        """
        return cls(_NativeBorders.load(os.fspath(path)))

    def dyads(self) -> "list[str]":
        """The dyads of the dataset as ``AAA-BBB`` codes."""
        return self._native.dyads()

    def stats(
        self, as_of: Optional[str] = None, basis: str = "in-force", dyad: Optional[str] = None
    ) -> pd.DataFrame:
        """Lengths by status (metres) of each dyad, or of ``dyad``, at ``as_of``.

        ``as_of`` is a date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (today when None);
        ``basis`` is ``"in-force"`` or ``"signed"``. One row per dyad.
        """
        return pd.DataFrame(self._native.stats(as_of=as_of, basis=basis, dyad=dyad))

    def locate(
        self, lon: float, lat: float, as_of: Optional[str] = None, basis: str = "in-force"
    ) -> Optional[dict]:
        """The nearest segment to (``lon``, ``lat``) and its status at ``as_of`` (today when
        None), as a dict (``segment_id``, ``dyad``, ``distance_m``, ``chainage_m``, ``side``,
        ``delimitation``, ``demarcation`` ...), or None for an empty dataset."""
        return self._native.locate(float(lon), float(lat), as_of=as_of, basis=basis)

    def classify_file(
        self,
        path: Union[str, os.PathLike],
        within_m: float = 1000.0,
        as_of: Optional[str] = None,
        basis: str = "in-force",
        on: Optional[str] = None,
        dyad: Optional[str] = None,
        certain: bool = False,
        all_rows: bool = False,
        errors: str = "raise",
    ) -> pd.DataFrame:
        """Classifies an incident table (CSV in the ACLED, UCDP or plain lon/lat/date layout, or
        GeoJSON points) through the library's table pipeline.

        Returns the CLI's classification columns (``bordertrack incidents FILE --format csv``),
        as text. ``on`` is a status filter written as the CLI writes it (e.g.
        ``"undelimited,disputed"``). With ``errors="raise"`` (default) any bad row raises
        ``ValueError`` listing the rows (``file:line: what is wrong``); with ``"skip"`` bad
        rows are left out.
        """
        text, problems, _ = self._native._classify_table(
            path=os.fspath(path), within_m=float(within_m), as_of=as_of, basis=basis, on=on,
            dyad=dyad, certain=certain, all_rows=all_rows,
        )
        if errors == "raise":
            _check(problems)
        return _frame(text)

    def classify(
        self,
        lon: Any,
        lat: Any,
        date_start: Any,
        date_end: Any = None,
        precision_m: Any = None,
        within_m: float = 1000.0,
        on: Optional[str] = None,
        nearest: bool = False,
        certain: bool = False,
        as_of: Optional[str] = None,
        basis: str = "in-force",
        dyad: Optional[str] = None,
        all_rows: bool = True,
        id: Any = None,
    ) -> pd.DataFrame:
        """Classifies points given as arrays (numpy arrays or anything array-like).

        ``date_start`` (and ``date_end`` for a date range) are dates ``YYYY[-MM[-DD]]`` as
        strings or numpy/pandas datetimes; ``precision_m`` is each point's location precision
        in metres. Returns a DataFrame with the CLI's classification columns, one row per
        input point (``all_rows=True``; points that fell on no stretch have empty match
        columns), in input order. Bad values raise ``ValueError`` with row-level messages
        (``<arrays>:N`` is the N-th point, counting from 2 as in a file with a header).

        ``nearest=True`` raises ``NotImplementedError``: the library has no nearest-segment
        mode for tables yet.

        The points currently travel to the library's table pipeline as an in-memory CSV
        (parsed in parallel with the GIL released); a typed array path is not built yet.
        """
        if nearest:
            raise NotImplementedError("nearest: the library has no nearest mode for tables yet")
        lon = np.asarray(lon, dtype="float64").ravel()
        lat = np.asarray(lat, dtype="float64").ravel()
        n = len(lon)
        if len(lat) != n:
            raise ValueError(f"lon has {n} values but lat has {len(lat)}")
        cols = {"id": _ids(id, n), "lon": lon, "lat": lat, "date": _dates(date_start, n, "date_start")}
        if date_end is not None:
            cols["date_end"] = _dates(date_end, n, "date_end")
        if precision_m is not None:
            p = np.broadcast_to(np.asarray(precision_m, dtype="float64"), (n,))
            cols["precision_m"] = p
        table = pd.DataFrame(cols)
        data = table.to_csv(index=False, float_format="%.17g", na_rep="").encode()
        text, problems, _ = self._native._classify_table(
            data=data, name="<arrays>", within_m=float(within_m), as_of=as_of, basis=basis,
            on=on, dyad=dyad, certain=certain, all_rows=all_rows,
        )
        _check(problems)
        return _frame(text)

    def classify_frame(
        self,
        df: pd.DataFrame,
        lon: str = "lon",
        lat: str = "lat",
        date: str = "date",
        date_end: Optional[str] = None,
        precision_m: Optional[str] = None,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Classifies the rows of a pandas (or geopandas) frame, keeping every column.

        For a GeoDataFrame whose ``lon``/``lat`` columns are absent, the point geometry gives
        them. Returns the frame with the classification columns added (prefixed ``bt_`` where a
        name is already taken), one row per input row, in input order; a GeoDataFrame stays a
        GeoDataFrame. Other keyword arguments are :meth:`classify`'s.
        """
        if lon not in df.columns and hasattr(df, "geometry"):
            xs, ys = df.geometry.x.to_numpy(), df.geometry.y.to_numpy()
        else:
            xs, ys = df[lon].to_numpy(), df[lat].to_numpy()
        result = self.classify(
            xs, ys, df[date].to_numpy(),
            date_end=None if date_end is None else df[date_end].to_numpy(),
            precision_m=None if precision_m is None else df[precision_m].to_numpy(),
            all_rows=True, **kwargs,
        )
        result = result.drop(columns=[c for c in ("incident_id",) if c in result.columns])
        result.index = df.index
        taken = set(df.columns)
        result = result.rename(columns={c: f"bt_{c}" for c in result.columns if c in taken})
        out = df.copy()
        for c in result.columns:
            out[c] = result[c]
        return out


def _ids(id: Any, n: int) -> np.ndarray:
    if id is None:
        return np.arange(n)
    ids = np.asarray(id).ravel()
    if len(ids) != n:
        raise ValueError(f"id has {len(ids)} values but lon has {n}")
    return ids


def _dates(values: Any, n: int, what: str) -> np.ndarray:
    arr = np.asarray(values).ravel()
    if arr.shape == (1,) and n != 1:
        arr = np.broadcast_to(arr, (n,))
    if len(arr) != n:
        raise ValueError(f"{what} has {len(arr)} values but lon has {n}")
    if np.issubdtype(arr.dtype, np.datetime64):
        return np.datetime_as_string(arr, unit="D")
    return arr
