"""bordertrack: international border segments whose delimitation and demarcation statuses change
over time, and incident tables classified against the status at each incident's date.

All distances are geodesic on WGS84 (metres); coordinates are longitude/latitude in degrees.
The work is done by the Rust library (``bordertrack._native``); classification runs with the
GIL released on every core.

Layers (:meth:`Borders.segments`, :meth:`Borders.history`, :meth:`Borders.places`) come back as
GeoDataFrames (WGS84, ``EPSG:4326``) when geopandas is installed, as pandas DataFrames without
geometry otherwise.
"""
from __future__ import annotations

import io
import json
import os
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd
import pyarrow as pa

from ._native import Borders as _NativeBorders

__all__ = ["Borders", "CLASSIFICATION_COLUMNS"]

#: The columns :meth:`Borders.classify` returns: the classification columns of
#: ``bordertrack incidents`` (with full-precision distances) and each point's date span.
CLASSIFICATION_COLUMNS = (
    "date_start", "date_end", "segment_id", "dyad", "distance_m", "chainage_km", "side",
    "delimitation", "demarcation", "instrument_id", "ambiguity", "regimes", "certainty",
    "alternatives",
)
_TEXT_COLUMNS = (
    "segment_id", "dyad", "side", "delimitation", "demarcation", "instrument_id", "ambiguity",
    "regimes", "certainty", "alternatives",
)

_TALLIES_COLUMNS = (
    "dyad", "period_start", "period_start_first", "period_end", "period_end_last", "kind",
    "count", "qualifier", "source_id", "source_title", "source_publisher", "source_date",
    "source_url", "note",
)

_DIFF_COLUMNS = (
    "segment_id", "dyad", "what", "regime_id", "before", "after", "changes", "instrument_ids",
    "source_ids", "last_change",
)


def _frame(text: str) -> pd.DataFrame:
    """The library's CSV output as a DataFrame, every column kept as the library wrote it."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _check(problems: Sequence[str]) -> None:
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ValueError(f"{len(problems)} bad row(s):\n{shown}{more}")


def _layer_frame(geojson: str) -> pd.DataFrame:
    """A GeoJSON layer as a GeoDataFrame (geopandas installed) or a DataFrame of properties."""
    features = json.loads(geojson)["features"]
    properties = pd.DataFrame([f["properties"] for f in features])
    if not features:
        return properties
    try:
        import geopandas as gpd
        from shapely.geometry import shape
    except ImportError:
        return properties
    geometry = [shape(f["geometry"]) if f.get("geometry") else None for f in features]
    return gpd.GeoDataFrame(properties, geometry=geometry, crs="EPSG:4326")


def _floats(values: Any, n: Optional[int], what: str, broadcast: bool = False) -> bytes:
    arr = np.asarray(values)
    if arr.dtype == object:
        arr = pd.to_numeric(pd.Series(arr.ravel()), errors="coerce").to_numpy()
    try:
        arr = np.ascontiguousarray(arr, dtype="<f8").ravel()
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what}: not numbers ({e})") from None
    if n is not None:
        if broadcast and arr.shape == (1,) and n != 1:
            arr = np.full(n, arr[0], dtype="<f8")
        if len(arr) != n:
            raise ValueError(f"{what} has {len(arr)} values but lon has {n}")
    return arr.tobytes()


def _dates(values: Any, n: int, what: str) -> Union[bytes, "list[str]"]:
    """Dates as the native side takes them: int64 day numbers (bytes) or strings."""
    if isinstance(values, (pd.Series, pd.Index)):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    arr = arr.ravel()
    if arr.shape == (1,) and n != 1:
        arr = np.repeat(arr, n)
    if len(arr) != n:
        raise ValueError(f"{what} has {len(arr)} values but lon has {n}")
    if np.issubdtype(arr.dtype, np.datetime64):
        return np.ascontiguousarray(arr.astype("datetime64[D]").view("<i8")).tobytes()
    if arr.dtype.kind in "US":
        return [str(v) for v in arr]
    out = []
    for v in arr:
        if isinstance(v, str):
            out.append(v)
        elif v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            out.append("")
        elif hasattr(v, "isoformat"):
            out.append(v.isoformat()[:10])
        else:
            out.append(str(v))
    return out


def _points_table(columns: dict) -> pa.Table:
    """The native side's typed columns as a pyarrow Table."""
    arrays = {}
    for name in ("date_start", "date_end"):
        arrays[name] = pa.array(np.frombuffer(columns[name], dtype="<i8").astype("int32"),
                                type=pa.int32()).cast(pa.date32())
    for name in ("distance_m", "chainage_km"):
        arrays[name] = pa.array(np.frombuffer(columns[name], dtype="<f8"), from_pandas=True)
    for name in _TEXT_COLUMNS:
        codes, values = columns[name]
        codes = np.frombuffer(codes, dtype="<i4")
        indices = pa.array(codes, mask=codes < 0, type=pa.int32())
        arrays[name] = pa.DictionaryArray.from_arrays(indices, pa.array(values, type=pa.string()))
    return pa.table({name: arrays[name] for name in CLASSIFICATION_COLUMNS})


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

    def segments(self, as_of: Optional[str] = None, basis: str = "in-force",
                 dyad: Optional[str] = None, on: Optional[str] = None) -> pd.DataFrame:
        """Every segment (or those of ``dyad``, or whose status may match ``on``, e.g.
        ``"undelimited,disputed"``) with its status at ``as_of`` (``YYYY[-MM[-DD]]``; today
        when None), as ``bordertrack export segments`` writes them: ``segment_id``, ``dyad``,
        ``left``, ``right``, ``name``, ``length_km``, ``delimitation``, ``demarcation``,
        ``since``, ``instrument_id``, ``source_id`` ... and the line geometry (GeoDataFrame,
        WGS84) when geopandas is installed. ``basis`` is ``"in-force"`` or ``"signed"``.
        """
        return _layer_frame(self._native._layer("segments", as_of=as_of, basis=basis,
                                                dyad=dyad, on=on))

    def history(self, as_of: Optional[str] = None, basis: str = "in-force",
                dyad: Optional[str] = None, on: Optional[str] = None) -> pd.DataFrame:
        """The status history: one row per segment and per interval during which its status
        did not change (``valid_from`` to ``valid_to``, excluded; empty ends are open), with the
        instrument and source of each change, as ``bordertrack export status`` writes it.
        ``as_of`` keeps the intervals that overlap that date (None: every interval).
        """
        return _layer_frame(self._native._layer("status", as_of=as_of, basis=basis,
                                                dyad=dyad, on=on))

    def places(self, as_of: Optional[str] = None, basis: str = "in-force",
               dyad: Optional[str] = None) -> pd.DataFrame:
        """Every named place with the country it belonged to at ``as_of`` (today when None), as
        ``bordertrack export places`` writes them, with point geometry when geopandas is
        installed. ``dyad`` keeps the places of its two countries."""
        return _layer_frame(self._native._layer("places", as_of=as_of, basis=basis,
                                                dyad=dyad))

    def stats(
        self, as_of: Optional[str] = None, basis: str = "in-force", dyad: Optional[str] = None,
        pov: Optional[str] = None,
    ) -> pd.DataFrame:
        """Lengths by status (metres) of each dyad, or of ``dyad``, at ``as_of``, as
        ``bordertrack stats`` gives them in km.

        ``as_of`` is a date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (today when None);
        ``basis`` is ``"in-force"`` or ``"signed"``. One row per dyad: ``length_m``, the metres
        of each delimitation and demarcation status (each dimension adding up to
        ``length_m``), ``delimited_pct`` and ``demarcated_pct``, then the regimes in effect on
        every day: ``fenced_m`` (fences built) and ``mined_m`` (mines laid), ``unmeasured_regimes``
        (fences and minefields whose length no source gives) and ``open_crossings``. ``pov``
        (ISO alpha-3) counts each segment as that party held it where the dataset records its
        view (the command's ``--pov``).
        """
        return pd.DataFrame(self._native.stats(as_of=as_of, basis=basis, dyad=dyad, pov=pov))

    def tallies(self, dyad: Optional[str] = None, from_date: Optional[str] = None,
                to_date: Optional[str] = None) -> pd.DataFrame:
        """The aggregate counts sources give without points (``tallies.csv``), as ``bordertrack
        tallies`` lists them: ``dyad``, ``period_start`` ... ``kind``, ``count``, ``source_id``.
        ``dyad`` keeps that dyad's; ``from_date``/``to_date`` (``YYYY[-MM[-DD]]``, the first
        day of one and the last day of the other) keep those whose period meets the range."""
        features = json.loads(self._native._tallies(dyad=dyad, from_date=from_date,
                                                    to_date=to_date))["features"]
        return pd.DataFrame([f["properties"] for f in features],
                            columns=_TALLIES_COLUMNS)

    def coverage(self, as_of: Optional[str] = None, basis: str = "in-force",
                 since: str = "1992", dyad: Optional[str] = None,
                 within_m: float = 1000.0) -> pd.DataFrame:
        """Per dyad (or ``dyad``), what the dataset records of it, as ``bordertrack coverage``
        writes it: its length, the shares with known delimitation and demarcation at ``as_of``
        (today when None), the lowest known share since ``since`` and its date, the numbers of
        instruments, sources, incidents (within ``within_m`` metres) and tallies, and its last
        change; with the dyad's lines when geopandas is installed."""
        return _layer_frame(self._native._coverage(as_of=as_of, basis=basis, since=since,
                                                   dyad=dyad, within_m=float(within_m)))

    def diff(self, from_date: str, to_date: Optional[str] = None, basis: str = "in-force",
             dyad: Optional[str] = None) -> pd.DataFrame:
        """Which stretches changed status or regime between ``from_date`` and ``to_date``
        (today when None), as ``bordertrack diff`` writes them: ``segment_id``, ``dyad``,
        ``what``, ``before``, ``after``, ``changes``, ``instrument_ids`` ... A year or month
        means its first day as ``from_date`` and its last day as ``to_date``: ``diff("2005",
        "2005")`` is what changed during 2005."""
        frame = _layer_frame(self._native._diff(from_date=from_date, to_date=to_date,
                                                basis=basis, dyad=dyad))
        return frame if len(frame.columns) else pd.DataFrame(columns=_DIFF_COLUMNS)

    def locate(
        self, lon: float, lat: float, as_of: Optional[str] = None, basis: str = "in-force"
    ) -> Optional[dict]:
        """The nearest segment to (``lon``, ``lat``) and its status at ``as_of`` (today when
        None), as a dict (``segment_id``, ``dyad``, ``distance_m``, ``chainage_m``, ``side``,
        ``delimitation``, ``demarcation`` ...), or None for an empty dataset."""
        return self._native.locate(float(lon), float(lat), as_of=as_of, basis=basis)

    def classify(
        self,
        lon: Any,
        lat: Any,
        date_start: Any,
        date_end: Any = None,
        precision_m: Any = None,
        within_m: Optional[float] = None,
        on: Optional[str] = None,
        nearest: bool = False,
        certain: bool = False,
        as_of: Optional[str] = None,
        basis: str = "in-force",
        dyad: Optional[str] = None,
        output: str = "arrow",
    ) -> Union[pa.Table, pd.DataFrame]:
        """Classifies points given as arrays (numpy arrays or anything array-like), one answer
        per point, in order.

        ``lon``/``lat`` are WGS84 degrees. ``date_start`` (and ``date_end`` for spans) are
        ``datetime64`` values, dates, or strings ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a year
        or month stands for every day in it); a single value applies to every point.
        ``precision_m`` is each point's location precision in metres (NaN: exact). A point
        falls on a segment within ``within_m`` metres (default 1000) plus both precisions;
        ``on`` keeps only statuses that match (``"undelimited,disputed"``), ``certain`` only
        certain matches, ``dyad`` only that dyad's segments, ``as_of`` evaluates every status
        at that date.

        ``nearest=True`` gives every point its nearest segment whatever the distance (distance
        to the border as a covariate) instead of looking within ``within_m`` (give one or the
        other). ``on`` and ``dyad`` choose among the segments: the nearest of those that pass.
        The certainty is ``possible`` and ``alternatives`` lists the other segments when one of
        them may truly be nearer given both precisions. A point gets no answer only when no
        segment passes ``on`` at its date; when none ever does, ``ValueError``.

        Returns a pyarrow Table (``output="pandas"``: a DataFrame) with
        :data:`CLASSIFICATION_COLUMNS`, the columns of ``bordertrack incidents`` (distances
        not rounded; text dictionary-encoded; null where a point fell on no segment).

        Runs through the library's typed entry point (``Borders::classify_points``) on every
        core with the GIL released. Bad points raise ``ValueError`` listing each one
        (``<points>: row N: latitude 95 out of range -90..90``, N from 1).
        """
        if output not in ("arrow", "pandas"):
            raise ValueError(f"output must be 'arrow' or 'pandas', not {output!r}")
        lon_bytes = _floats(lon, None, "lon")
        n = len(lon_bytes) // 8
        problems, columns = self._native._classify_points(
            lon_bytes, _floats(lat, n, "lat"), _dates(date_start, n, "date_start"),
            date_end=None if date_end is None else _dates(date_end, n, "date_end"),
            precision_m=None if precision_m is None else _floats(precision_m, n, "precision_m", broadcast=True),
            within_m=None if within_m is None else float(within_m), as_of=as_of, basis=basis,
            on=on, dyad=dyad, certain=certain, nearest=bool(nearest),
        )
        _check(problems)
        table = _points_table(columns)
        return table.to_pandas() if output == "pandas" else table

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

        For a GeoDataFrame without the ``lon`` column, the point geometry gives the positions
        (it must be in WGS84). Returns a copy of the frame with :data:`CLASSIFICATION_COLUMNS`
        added (prefixed ``bt_`` where a name is already taken), one row per input row, in input
        order, with its index; a GeoDataFrame stays a GeoDataFrame. Other keyword arguments
        are :meth:`classify`'s (``nearest=True`` among them). Works on one partition of a Dask frame
        (``ddf.map_partitions(borders.classify_frame, ...)``).
        """
        if lon not in df.columns and hasattr(df, "geometry"):
            crs = getattr(df, "crs", None)
            if crs is not None and crs.to_epsg() != 4326:
                raise ValueError(f"the geometry is in {crs}, not WGS84: use df.to_crs(4326)")
            xs, ys = df.geometry.x.to_numpy(), df.geometry.y.to_numpy()
        else:
            xs, ys = df[lon].to_numpy(), df[lat].to_numpy()
        kwargs["output"] = "arrow"
        table = self.classify(
            xs, ys, df[date],
            date_end=None if date_end is None else df[date_end],
            precision_m=None if precision_m is None else df[precision_m].to_numpy(),
            **kwargs,
        )
        # Plain text columns rather than categoricals, so that partitions concatenate.
        table = pa.table({name: (col.cast(pa.string()) if name in _TEXT_COLUMNS else col)
                          for name, col in zip(table.column_names, table.columns)})
        result = table.to_pandas()
        result.index = df.index
        taken = set(df.columns)
        result = result.rename(columns={c: f"bt_{c}" for c in result.columns if c in taken})
        out = df.copy()
        for c in result.columns:
            out[c] = result[c]
        return out

    def classify_file(
        self,
        path: Union[str, os.PathLike],
        within_m: Optional[float] = None,
        as_of: Optional[str] = None,
        basis: str = "in-force",
        on: Optional[str] = None,
        dyad: Optional[str] = None,
        certain: bool = False,
        all_rows: bool = False,
        errors: str = "raise",
        nearest: bool = False,
        prefix: str = "",
    ) -> pd.DataFrame:
        """Classifies an incident table (CSV in the ACLED, UCDP or plain lon/lat/date layout,
        GeoJSON points, or Parquet/GeoParquet by the ``.parquet`` extension) through the
        library's table pipeline, exactly as ``bordertrack incidents FILE --format csv`` does.

        Returns the command's columns as text: every column of the table, then the
        classification's (named with ``prefix`` before them, the command's ``--prefix``, for a
        table that has a column of the same name, such as UCDP's ``date_start``). ``within_m``
        defaults to 1000 metres; ``nearest=True`` gives every incident its nearest segment
        whatever the distance, as :meth:`classify` (the command's ``--nearest``).
        ``all_rows=True`` keeps incidents that fell on no stretch (the command's ``--all``).
        With ``errors="raise"`` (default) any bad row
        raises ``ValueError`` listing the rows (``file:line: what is wrong``); with ``"skip"``
        bad rows are left out.
        """
        if errors not in ("raise", "skip"):
            raise ValueError(f"errors must be 'raise' or 'skip', not {errors!r}")
        text, problems, _ = self._native._classify_table(
            path=os.fspath(path), within_m=None if within_m is None else float(within_m),
            as_of=as_of, basis=basis, on=on, dyad=dyad, certain=certain, all_rows=all_rows,
            nearest=bool(nearest),
            prefix=prefix,
        )
        if errors == "raise":
            _check(problems)
        return _frame(text)
