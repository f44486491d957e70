DROP TABLE di_transitions;
DROP TABLE placements;
DROP TABLE mentor_assignments;
DROP TABLE mentor_trainings;
DROP TABLE mentors;
