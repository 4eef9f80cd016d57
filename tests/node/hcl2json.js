// Parse each HCL file named on the command line with HashiCorp's parser; print {file: json}.
// Exit 1 with "file: error" on the first file that does not parse.
const { parse } = require("@cdktf/hcl2json");
const fs = require("fs");

(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) {
    try {
      out[file] = await parse(file, fs.readFileSync(file, "utf8"));
    } catch (err) {
      process.stderr.write(`${file}: ${err}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
