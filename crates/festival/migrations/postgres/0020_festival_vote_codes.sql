-- The public vote's codes move to the kernel's one limiter for one-time codes.
DROP TABLE festival_vote_codes;
