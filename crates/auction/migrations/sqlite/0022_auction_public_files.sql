-- Lots' photos are shown on the public session page: public files.
UPDATE files SET access = 'public'
WHERE EXISTS (SELECT 1 FROM auction_lots l WHERE l.photo LIKE '%' || files.sha256 || '%');
