// Microsoft's custom functions metadata generator (npm custom-functions-metadata) on a JSDoc-annotated
// script: prints its result (metadataJson, associate, errors) as JSON.  Usage: node generate.js FILE.js
"use strict";
const { generateCustomFunctionsMetadata } = require("custom-functions-metadata");
generateCustomFunctionsMetadata(process.argv[2]).then((r) => process.stdout.write(JSON.stringify(r)),
  (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
