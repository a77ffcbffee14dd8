// Reads {"versions": [...], "specs": [...]} on stdin; prints one line per spec:
// "E" when node-semver rejects the range, else two strings of 0/1 over the versions,
// without and with includePrerelease, separated by a space.
const semver = require('semver');
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { versions, specs } = JSON.parse(input);
  const parsed = versions.map((v) => new semver.SemVer(v));
  const lines = specs.map((spec) => {
    let standard, including;
    try {
      standard = new semver.Range(spec);
      including = new semver.Range(spec, { includePrerelease: true });
    } catch (error) {
      return 'E';
    }
    const a = parsed.map((v) => (standard.test(v) ? '1' : '0')).join('');
    const b = parsed.map((v) => (including.test(v) ? '1' : '0')).join('');
    return a + ' ' + b;
  });
  process.stdout.write(lines.join('\n') + '\n');
});
