#!/usr/bin/python3
"""pandas baseline: movies_metadata.csv -> the same per-(company, year) and per-(genre, year) rollups,
written the way most published notebooks do it (read_csv, to_numeric, ast.literal_eval, explode,
groupby). Usage: pandas_rollups.py INPUT.csv OUTPUT_DIR. Prints the wall time of the transform."""
import ast
import sys
import time

import numpy as np
import pandas as pd

start = time.time()
source, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(source, dtype=str, keep_default_na=False)
df["id"] = pd.to_numeric(df["id"], errors="coerce")
df = df[df["id"].notna() & (df["id"] > 0)]
df = df.drop_duplicates("id", keep="first")
# The money floor (README, "The money floor"): whole dollars under $1,000, 0 included, are unknown.
for column in ("budget", "revenue"):
    dollars = pd.to_numeric(df[column], errors="coerce").round()
    df[column] = dollars.where(dollars >= 1000, np.nan)
df["popularity"] = pd.to_numeric(df["popularity"], errors="coerce")
df["release_date"] = pd.to_datetime(df["release_date"], errors="coerce", format="%Y-%m-%d")
df = df[(df["status"].str.strip().str.lower() == "released") & df["release_date"].notna()].copy()
df["year"] = df["release_date"].dt.year
df["profit"] = df["revenue"] - df["budget"]


def ids(literal):
    try:
        return list(dict.fromkeys(item["id"] for item in ast.literal_eval(literal))) if literal.strip() else []
    except (ValueError, SyntaxError, KeyError, TypeError):
        return []


def rollup(column, name):
    exploded = df.assign(owner=df[column].map(ids)).explode("owner").dropna(subset=["owner"])
    grouped = exploded.groupby(["owner", "year"])
    table = pd.DataFrame({
        "releases": grouped.size(),
        "budget_total": grouped["budget"].sum(), "budget_movies": grouped["budget"].count(),
        "revenue_total": grouped["revenue"].sum(), "revenue_movies": grouped["revenue"].count(),
        "profit_total": grouped["profit"].sum(), "profit_movies": grouped["profit"].count(),
        "popularity_average": grouped["popularity"].mean(),
    }).reset_index()
    table.to_csv(f"{out}/{name}.csv", index=False)
    return exploded


companies = rollup("production_companies", "company_years")
genres = rollup("genres", "genre_years")
print(f"pandas transform: {time.time() - start:.3f} s", file=sys.stderr)
