UPDATE target_groups SET max_age = 17 WHERE code = 'orphan_or_no_parental_care';
