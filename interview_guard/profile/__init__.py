"""The candidate profile: reading JSON Resume (and text/PDF résumés) and checking the application."""
