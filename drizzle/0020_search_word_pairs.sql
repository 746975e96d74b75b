-- Every pair of adjacent lexemes of a tsvector as one lexeme ("kakax lokax"). A message matches the
-- phrase "a b" only if its pairs hold the phrase's pairs, so search looks a quoted phrase (or a CJK
-- term, whose characters are the lexemes of "cjk") up by a pair and rechecks only the rows that have
-- it, not every message that has all of its words. One lexeme, unlike several, is also estimated
-- well by the planner, which then narrows by time as well.
CREATE OR REPLACE FUNCTION message_word_pairs(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme)), ''::tsvector)
  FROM (SELECT u.lexeme, p FROM unnest(v) u, unnest(u.positions) p) a
  JOIN (SELECT u.lexeme, p FROM unnest(v) u, unnest(u.positions) p) b ON b.p = a.p + 1
$$;--> statement-breakpoint
CREATE INDEX "messages_word_pairs_idx" ON "messages" USING gin (message_word_pairs(to_tsvector('english', coalesce("content", ''))));--> statement-breakpoint
CREATE INDEX "messages_cjk_pairs_idx" ON "messages" USING gin (message_word_pairs("cjk"));