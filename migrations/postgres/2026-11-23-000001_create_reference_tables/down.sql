DROP TABLE training_programmes;
DROP TABLE specialist_roles;
DROP TABLE service_type_target_groups;
DROP TABLE service_types;
DROP TABLE target_groups;
DROP TABLE municipalities;
DROP TABLE planning_regions;
