mod spatial;
