DELETE FROM training_programmes;
DELETE FROM specialist_roles;
DELETE FROM service_type_target_groups;
DELETE FROM service_types;
DELETE FROM target_groups;
DELETE FROM municipalities;
DELETE FROM planning_regions;
