"""App extensions: the settings an app keeps for HubSpot's extension points (calling, video conferencing, CRM
cards, feature flags), call transcripts and inbound calls written into a portal, and an app's uninstall."""
