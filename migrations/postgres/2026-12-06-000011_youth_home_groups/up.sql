-- Young people leaving out-of-family care stay in the orphan group until 24, the youth home's
-- age limit ("ne ilgāk kā 24 gadu vecumam", seed 002 L2628-2630; support for care leavers,
-- L5419-5441): a care leaver of 18 to 23 can be placed in a youth home, which serves this
-- group (CLIENT-TARGET-GROUP-AGE, INV-C03).
UPDATE target_groups SET max_age = 23 WHERE code = 'orphan_or_no_parental_care';
