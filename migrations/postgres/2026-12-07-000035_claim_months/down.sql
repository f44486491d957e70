DROP TABLE claim_months;
