"""What the site offers readers beyond pages: the sitemap, robots.txt, feeds."""
