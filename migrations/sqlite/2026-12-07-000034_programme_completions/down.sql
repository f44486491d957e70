DROP TABLE programme_completions;
