// A program that does nothing: the cold-start baseline for bench/import_cost.ts.
