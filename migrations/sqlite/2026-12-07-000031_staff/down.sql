DROP TABLE staff_trainings;
DROP TABLE staff;
