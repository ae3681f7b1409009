"""The doors: HandTerm for many people on one machine, over SSH (``ssh-session``) and in a
browser (``serve-web``). Each person gets a home of their own; the app itself is unchanged."""
