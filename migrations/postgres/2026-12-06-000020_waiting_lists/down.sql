DROP TABLE waiting_list_entries;
