name = "houdini"
version = "19.5.640"
requires = ["python-3.9"]

def commands():
    env.HFS = "/opt/hfs{version}"
    env.PATH.prepend("{env.HFS}/bin")
    alias("hython", "{env.HFS}/bin/hython")
