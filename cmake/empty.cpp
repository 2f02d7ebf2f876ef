// Lets a layer library exist while its directory has no sources yet.
