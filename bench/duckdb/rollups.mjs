// DuckDB baseline: movies_metadata.csv -> the same per-(company, year) and per-(genre, year)
// rollups with read_csv and SQL, the owners' ids taken from the Python-literal lists with a regular
// expression (swapping quotes to make JSON, the usual way, loses every list with an apostrophe in
// a name). Usage: node rollups.mjs INPUT.csv OUTPUT_DIR. Prints the wall time of the transform.
import { DuckDBInstance } from '@duckdb/node-api';

const [source, out] = process.argv.slice(2);
const start = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
await db.run(`
  CREATE TABLE raw AS
  SELECT *, row_number() OVER () AS line
  FROM read_csv('${source}', header = true, all_varchar = true, ignore_errors = true, strict_mode = false)`);
await db.run(`
  CREATE TABLE movies AS
  WITH typed AS (
    SELECT TRY_CAST(id AS BIGINT) AS id,
           -- the money floor: whole dollars under $1,000, 0 included, are unknown
           CASE WHEN round(TRY_CAST(budget AS DOUBLE)) >= 1000 THEN round(TRY_CAST(budget AS DOUBLE)) END AS budget,
           CASE WHEN round(TRY_CAST(revenue AS DOUBLE)) >= 1000 THEN round(TRY_CAST(revenue AS DOUBLE)) END AS revenue,
           TRY_CAST(popularity AS DOUBLE) AS popularity,
           TRY_CAST(release_date AS DATE) AS release_date,
           lower(trim(status)) AS status, genres, production_companies, line
    FROM raw)
  SELECT * FROM typed WHERE id > 0
  QUALIFY row_number() OVER (PARTITION BY id ORDER BY line) = 1`);
const rollup = async (column, name) => {
  await db.run(`
    COPY (
      WITH released AS (
        SELECT *, year(release_date) AS year, revenue - budget AS profit,
               list_transform(regexp_extract_all(${column}, '''id'': (\\d+)', 1), x -> TRY_CAST(x AS BIGINT)) AS owners
        FROM movies WHERE status = 'released' AND release_date IS NOT NULL),
      exploded AS (SELECT DISTINCT id, year, budget, revenue, profit, popularity, unnest(owners) AS owner FROM released)
      SELECT owner, year, count(*) AS releases,
             sum(budget) AS budget_total, count(budget) AS budget_movies,
             sum(revenue) AS revenue_total, count(revenue) AS revenue_movies,
             sum(profit) AS profit_total, count(profit) AS profit_movies,
             avg(popularity) AS popularity_average
      FROM exploded WHERE owner IS NOT NULL GROUP BY owner, year ORDER BY owner, year
    ) TO '${out}/${name}.csv' (HEADER)`);
};
await rollup('production_companies', 'company_years');
await rollup('genres', 'genre_years');
console.error(`duckdb transform: ${((performance.now() - start) / 1000).toFixed(3)} s`);
