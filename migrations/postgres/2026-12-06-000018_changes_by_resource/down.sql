DROP INDEX changes_by_resource;
