-- schema version 8 (issue 10): the monthly ledger reads a month of
-- sessions and requests by their start; without these it reads them all
-- (a city keeps five years: a million sessions).
CREATE INDEX sessions_started ON sessions (started_at);
CREATE INDEX requests_created ON requests (created_at);
