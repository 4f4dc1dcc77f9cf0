-- Covers and the images in chapters are shown to readers: public files.
UPDATE files SET access = 'public'
WHERE sha256 IN (SELECT cover FROM story_works)
   OR EXISTS (SELECT 1 FROM story_chapters c WHERE c.body LIKE '%/berkas/' || files.sha256 || '%');
