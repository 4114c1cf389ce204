"""What an extract's values and rows mean: `values` checks single values with the library made
for each, `file_records` reads one file into records by its format (registry_import.
extract_format), `rows` reads the four, checks the references between them and places every
unit on the survey year's county structure, with `parallel` to share the reading with a second
process."""

from registry_import.validation.file_records import RECORDS, FileResult, problem
from registry_import.validation.rows import (
    RowChecker,
)
from registry_import.validation.values import (
    InvalidValue,
    check_email,
    is_synthetic,
    looks_like_identity_number,
    normalise_mobile,
    parse_bool,
    parse_contract_kind,
    parse_contract_status,
    parse_county,
    parse_date,
    parse_identity_number,
    parse_municipality,
    parse_orgnr,
    synthetic_identity_number,
)

__all__ = [
    "RECORDS",
    "FileResult",
    "InvalidValue",
    "RowChecker",
    "check_email",
    "is_synthetic",
    "looks_like_identity_number",
    "normalise_mobile",
    "parse_bool",
    "parse_contract_kind",
    "parse_contract_status",
    "parse_county",
    "parse_date",
    "parse_identity_number",
    "parse_municipality",
    "parse_orgnr",
    "problem",
    "synthetic_identity_number",
]
