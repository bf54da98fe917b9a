"""The web inspector at `/_localspot/ui/`: a portal's records, associations and property histories, the
request journal live, and the control plane's settings, in a browser. Server-rendered pages over the control
plane's and the CRM areas' services; a little JavaScript and CSS shipped in the package, no build step."""
