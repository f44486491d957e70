DROP TABLE transfer_requests;
