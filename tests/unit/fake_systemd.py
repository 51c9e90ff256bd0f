#!/usr/bin/python3
"""A stand-in for systemd's manager, for the unit tests of WPAR cgroups
under systemd (tests/unit/test_cgroup_systemd.c).  This machine's systemd
does not run and its cgroup v2 tree has no controllers, so the tests use a
private dbus-daemon (a real D-Bus implementation, which checks every
message the client sends) and a fake cgroup v2 tree.  Like systemd, the
fake answers StartTransientUnit with a job path, makes the scope's group
(in its slice's group) with the given processes in it, then sends
JobRemoved; SetUnitProperties MemoryLow= writes the unit's memory.low.
Every call is logged as one JSON line.

Usage: fake_systemd.py BUS_ADDRESS FAKE_CGROUP_ROOT LOG_FILE
Units named wpar-refuse* are refused, wpar-jobfail* end with "failed".
"""
import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = "org.freedesktop.systemd1.Manager"
CONTROLLERS = "cpuset cpu io memory hugetlb pids\n"


def plain(v):
    """D-Bus values as JSON ones."""
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.Array, list)):
        return [plain(x) for x in v]
    if isinstance(v, (dbus.Struct, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (dbus.String, dbus.ObjectPath, str)):
        return str(v)
    return int(v)


def slice_path(name):
    stem = name[: -len(".slice")]
    parts = stem.split("-")
    return "/".join("-".join(parts[: i + 1]) + ".slice" for i in range(len(parts)))


def kernel_group(path, controllers):
    """What the kernel shows in a new cgroup v2 group."""
    os.makedirs(path, exist_ok=True)
    for f, text in (
        ("cgroup.controllers", controllers),
        ("cgroup.subtree_control", ""),
        ("cgroup.procs", ""),
        ("cgroup.events", "populated 0\nfrozen 0\n"),
        ("cgroup.freeze", "0\n"),
        ("cgroup.kill", ""),
        ("memory.low", "0\n"),
    ):
        p = os.path.join(path, f)
        if not os.path.exists(p):
            with open(p, "w") as fh:
                fh.write(text)


class Manager(dbus.service.Object):
    def __init__(self, bus, root, log):
        super().__init__(bus, "/org/freedesktop/systemd1")
        self.root = root
        self.log_path = log
        self.jobs = 0
        self.units = {}  # unit name -> its group

    def log(self, entry):
        with open(self.log_path, "a") as fh:
            fh.write(json.dumps(entry) + "\n")

    @dbus.service.method(IFACE, in_signature="ssa(sv)a(sa(sv))", out_signature="o")
    def StartTransientUnit(self, name, mode, properties, aux):
        props = {str(k): plain(v) for k, v in properties}
        self.log({"call": "StartTransientUnit", "name": str(name), "mode": str(mode),
                  "props": props, "aux": len(aux)})
        if name in self.units and os.path.isdir(self.units[name]):
            raise dbus.exceptions.DBusException(
                "Unit %s was already loaded or has a fragment file." % name,
                name="org.freedesktop.systemd1.UnitExists")
        if name.startswith("wpar-refuse"):
            raise dbus.exceptions.DBusException(
                "Unit refused for a test", name="org.freedesktop.DBus.Error.InvalidArgs")
        if not name.endswith(".scope") or not props.get("PIDs"):
            raise dbus.exceptions.DBusException(
                "Scope without PIDs", name="org.freedesktop.DBus.Error.InvalidArgs")
        slice_dir = os.path.join(self.root, slice_path(props.get("Slice", "-.slice")))
        group = os.path.join(slice_dir, name)
        # systemd makes the slice levels, then the scope; a delegated
        # scope offers every controller to its owner.
        rel = slice_path(props["Slice"]).split("/")
        for i in range(len(rel)):
            kernel_group(os.path.join(self.root, *rel[: i + 1]), CONTROLLERS)
        kernel_group(group, CONTROLLERS if props.get("Delegate") else "")
        with open(os.path.join(group, "cgroup.procs"), "w") as fh:
            fh.write("".join("%d\n" % p for p in props["PIDs"]))
        self.units[str(name)] = group
        self.jobs += 1
        job = dbus.ObjectPath("/org/freedesktop/systemd1/job/%d" % self.jobs)
        result = "failed" if name.startswith("wpar-jobfail") else "done"
        jid = self.jobs

        def removed():
            self.JobRemoved(dbus.UInt32(jid), job, name, result)
            return False

        # After the method's reply, as systemd runs the job.
        GLib.idle_add(removed)
        return job

    @dbus.service.signal(IFACE, signature="uoss")
    def JobRemoved(self, job_id, job, unit, result):
        pass

    @dbus.service.method(IFACE, in_signature="sba(sv)", out_signature="")
    def SetUnitProperties(self, name, runtime, properties):
        props = {str(k): plain(v) for k, v in properties}
        self.log({"call": "SetUnitProperties", "name": str(name), "runtime": bool(runtime),
                  "props": props})
        if name.endswith(".slice"):
            group = os.path.join(self.root, slice_path(str(name)))
        else:
            group = self.units.get(str(name))
        if group is None or not os.path.isdir(group):
            raise dbus.exceptions.DBusException(
                "Unit %s not loaded." % name, name="org.freedesktop.systemd1.NoSuchUnit")
        if "MemoryLow" in props:
            with open(os.path.join(group, "memory.low"), "w") as fh:
                v = props["MemoryLow"]
                fh.write("max\n" if v == 2**64 - 1 else "%d\n" % v)


def main():
    address, root, log = sys.argv[1:4]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    Manager(bus, root, log)
    # The name last: the test waits for "ready", then calls.
    name = dbus.service.BusName("org.freedesktop.systemd1", bus)  # kept: owning it
    print("ready", flush=True)
    GLib.MainLoop().run()
    del name


if __name__ == "__main__":
    main()
