import os
from typing import Any, Literal, Optional, TypedDict, Union, overload

import pandas as pd
import pyarrow as pa

__all__ = ["Borders", "CLASSIFICATION_COLUMNS"]

CLASSIFICATION_COLUMNS: tuple[
    Literal["date_start"], Literal["date_end"], Literal["segment_id"], Literal["dyad"],
    Literal["distance_m"], Literal["chainage_km"], Literal["side"], Literal["delimitation"],
    Literal["demarcation"], Literal["instrument_id"], Literal["ambiguity"], Literal["regimes"],
    Literal["certainty"], Literal["alternatives"],
]

class Located(TypedDict):
    """What :meth:`Borders.locate` returns (not defined at run time: a plain dict)."""

    segment_id: Optional[str]
    segment_name: Optional[str]
    dyad: str
    distance_m: float
    chainage_m: float
    side: Optional[str]
    delimitation: str
    demarcation: str
    regimes: str

class Borders:
    @classmethod
    def embedded(cls) -> "Borders": ...
    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "Borders": ...
    def dyads(self) -> list[str]: ...
    def segments(self, as_of: Optional[str] = None, basis: str = "in-force",
                 dyad: Optional[str] = None, on: Optional[str] = None) -> pd.DataFrame: ...
    def history(self, as_of: Optional[str] = None, basis: str = "in-force",
                dyad: Optional[str] = None, on: Optional[str] = None) -> pd.DataFrame: ...
    def places(self, as_of: Optional[str] = None, basis: str = "in-force",
               dyad: Optional[str] = None) -> pd.DataFrame: ...
    def stats(self, as_of: Optional[str] = None, basis: str = "in-force",
              dyad: Optional[str] = None, pov: Optional[str] = None) -> pd.DataFrame: ...
    def tallies(self, dyad: Optional[str] = None, from_date: Optional[str] = None,
                to_date: Optional[str] = None) -> pd.DataFrame: ...
    def coverage(self, as_of: Optional[str] = None, basis: str = "in-force",
                 since: str = "1992", dyad: Optional[str] = None,
                 within_m: float = 1000.0) -> pd.DataFrame: ...
    def diff(self, from_date: str, to_date: Optional[str] = None, basis: str = "in-force",
             dyad: Optional[str] = None) -> pd.DataFrame: ...
    def locate(self, lon: float, lat: float, as_of: Optional[str] = None,
               basis: str = "in-force") -> Optional[Located]: ...
    @overload
    def classify(self, lon: Any, lat: Any, date_start: Any, date_end: Any = None,
                 precision_m: Any = None, within_m: Optional[float] = None, on: Optional[str] = None,
                 nearest: bool = False, certain: bool = False, as_of: Optional[str] = None,
                 basis: str = "in-force", dyad: Optional[str] = None,
                 output: Literal["arrow"] = "arrow") -> pa.Table: ...
    @overload
    def classify(self, lon: Any, lat: Any, date_start: Any, date_end: Any = None,
                 precision_m: Any = None, within_m: Optional[float] = None, on: Optional[str] = None,
                 nearest: bool = False, certain: bool = False, as_of: Optional[str] = None,
                 basis: str = "in-force", dyad: Optional[str] = None, *,
                 output: Literal["pandas"]) -> pd.DataFrame: ...
    def classify_frame(self, df: pd.DataFrame, lon: str = "lon", lat: str = "lat",
                       date: str = "date", date_end: Optional[str] = None,
                       precision_m: Optional[str] = None, **kwargs: Any) -> pd.DataFrame: ...
    def classify_file(self, path: Union[str, os.PathLike], within_m: Optional[float] = None,
                      as_of: Optional[str] = None, basis: str = "in-force",
                      on: Optional[str] = None, dyad: Optional[str] = None,
                      certain: bool = False, all_rows: bool = False,
                      errors: str = "raise", nearest: bool = False,
                      prefix: str = "") -> pd.DataFrame: ...
