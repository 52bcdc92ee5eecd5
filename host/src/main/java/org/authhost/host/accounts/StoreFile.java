package org.authhost.host.accounts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.authhost.api.Sid;
import org.authhost.host.tokens.Account;

/**
 * The account store's JSON form: the data model, strict reading with file-naming errors, writing.
 */
final class StoreFile {
  static final int VERSION = 1;
  static final int ADMINISTRATOR_RID = Account.BUILTIN_ADMINISTRATOR_RID;
  static final int GUEST_RID = 501;
  static final int FIRST_RID = 1000;
  static final String ADMINISTRATOR = "Administrator";
  static final String GUEST = "Guest";
  static final String ADMINISTRATORS = "Administrators";
  static final String USERS = "Users";
  static final String GUESTS = "Guests";

  /** The built-in groups, by name. */
  static final Map<String, Sid> BUILTIN_GROUPS = builtinGroups();

  private static final Pattern MACHINE_SID =
      Pattern.compile("S-1-5-21-\\d{1,10}-\\d{1,10}-\\d{1,10}");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private StoreFile() {}

  private static Map<String, Sid> builtinGroups() {
    Map<String, Sid> m = new LinkedHashMap<>();
    m.put(ADMINISTRATORS, Sid.ADMINISTRATORS);
    m.put(USERS, Sid.USERS);
    m.put(GUESTS, Sid.GUESTS);
    return Collections.unmodifiableMap(m);
  }

  /** The whole file. */
  @JsonPropertyOrder({"version", "machineSid", "nextRid", "groups", "users"})
  static final class Data {
    public Integer version;
    public String machineSid;
    public Integer nextRid;
    public List<GroupData> groups = new ArrayList<>();
    public List<UserData> users = new ArrayList<>();
  }

  @JsonPropertyOrder({"name", "sid"})
  static final class GroupData {
    public String name;
    public String sid;

    GroupData() {}

    GroupData(String name, String sid) {
      this.name = name;
      this.sid = sid;
    }
  }

  @JsonPropertyOrder({
    "name",
    "rid",
    "fullName",
    "groups",
    "disabled",
    "passwordChanged",
    "secrets"
  })
  static final class UserData {
    public String name;
    public Integer rid;
    public String fullName = "";
    public List<String> groups = new ArrayList<>();
    public boolean disabled;

    /** ISO-8601 instant of the last password change; absent when no password was ever set. */
    public String passwordChanged;

    /** Absent when the account has no password. */
    public SecretsData secrets;
  }

  @JsonPropertyOrder({"argon2id", "ntHash", "digestHa1"})
  static final class SecretsData {
    /** PHC string. */
    public String argon2id;

    /** MD4(UTF-16LE(password)), hex. */
    public String ntHash;

    /** realm → Digest algorithm → HA1 hex. */
    public Map<String, Map<String, String>> digestHa1 = new LinkedHashMap<>();
  }

  /** A new store: the built-in groups and users, under {@code machineSid}. */
  static Data initial(Sid machineSid) {
    Data data = new Data();
    data.version = VERSION;
    data.machineSid = machineSid.value();
    data.nextRid = FIRST_RID;
    BUILTIN_GROUPS.forEach((name, sid) -> data.groups.add(new GroupData(name, sid.value())));
    UserData admin = new UserData();
    admin.name = ADMINISTRATOR;
    admin.rid = ADMINISTRATOR_RID;
    admin.fullName = "";
    admin.groups = new ArrayList<>(List.of(ADMINISTRATORS, USERS));
    UserData guest = new UserData();
    guest.name = GUEST;
    guest.rid = GUEST_RID;
    guest.fullName = "";
    guest.groups = new ArrayList<>(List.of(GUESTS));
    data.users.add(admin);
    data.users.add(guest);
    return data;
  }

  static byte[] serialize(Data data) {
    try {
      return MAPPER.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the account store", e);
    }
  }

  /**
   * Reads and checks the file's bytes.
   *
   * @throws IOException naming {@code file} and what is wrong with it
   */
  static Data parse(Path file, byte[] bytes) throws IOException {
    Data data;
    try {
      data = MAPPER.readValue(bytes, Data.class);
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      String where =
          location == null ? "" : ":" + location.getLineNr() + ":" + location.getColumnNr();
      throw new IOException(
          file
              + where
              + ": the account store is not valid JSON of the expected form: "
              + e.getOriginalMessage()
              + " (fix or restore the file; the host does not reset it)",
          e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read the account store: " + e.getMessage(), e);
    }
    if (data == null) {
      throw new IOException(
          file + ": the account store is empty (JSON null); fix or restore the file");
    }
    try {
      validate(data);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file
              + ": the account store is invalid: "
              + e.getMessage()
              + " (fix or restore the file; the host does not reset it)",
          e);
    }
    return data;
  }

  /**
   * Checks a store and canonicalises group references to the groups' own spelling.
   *
   * @throws IllegalArgumentException for the first problem found
   */
  static void validate(Data data) {
    if (data.version == null || data.version != VERSION) {
      throw new IllegalArgumentException(
          "version is " + data.version + "; this host reads version " + VERSION);
    }
    if (data.machineSid == null || !MACHINE_SID.matcher(data.machineSid).matches()) {
      throw new IllegalArgumentException(
          "machineSid '" + data.machineSid + "' is not S-1-5-21-a-b-c");
    }
    if (data.nextRid == null || data.nextRid < FIRST_RID) {
      throw new IllegalArgumentException(
          "nextRid " + data.nextRid + " is missing or below " + FIRST_RID);
    }
    if (data.groups == null || data.users == null) {
      throw new IllegalArgumentException("groups and users must be arrays");
    }
    Set<String> names = new HashSet<>();
    Set<Integer> rids = new HashSet<>();
    Map<String, String> groupNames = new HashMap<>();
    for (int i = 0; i < data.groups.size(); i++) {
      GroupData g = data.groups.get(i);
      String at = "groups[" + i + "]";
      if (g == null || g.name == null || g.sid == null) {
        throw new IllegalArgumentException(at + ": name and sid are required");
      }
      AccountNames.validate("group", g.name);
      if (!names.add(AccountNames.key(g.name))) {
        throw new IllegalArgumentException(at + ": the name '" + g.name + "' is used twice");
      }
      groupNames.put(AccountNames.key(g.name), g.name);
      Sid builtin = BUILTIN_GROUPS.get(g.name);
      if (builtin != null) {
        if (!builtin.value().equals(g.sid)) {
          throw new IllegalArgumentException(
              at + ": the built-in group " + g.name + " must have SID " + builtin);
        }
      } else {
        if (BUILTIN_GROUPS.keySet().stream().anyMatch(b -> b.equalsIgnoreCase(g.name))) {
          throw new IllegalArgumentException(
              at + ": '" + g.name + "' differs from a built-in group only in case");
        }
        int rid = localRid(data.machineSid, g.sid, at);
        if (rid < FIRST_RID || rid >= data.nextRid || !rids.add(rid)) {
          throw new IllegalArgumentException(
              at + ": RID " + rid + " is reserved, used twice or not below nextRid");
        }
      }
    }
    for (String builtin : BUILTIN_GROUPS.keySet()) {
      if (!groupNames.containsKey(AccountNames.key(builtin))) {
        throw new IllegalArgumentException("the built-in group " + builtin + " is missing");
      }
    }
    boolean administrator = false;
    boolean guest = false;
    for (int i = 0; i < data.users.size(); i++) {
      UserData u = data.users.get(i);
      String at = "users[" + i + "]";
      if (u == null || u.name == null || u.rid == null) {
        throw new IllegalArgumentException(at + ": name and rid are required");
      }
      at = at + " (" + u.name + ")";
      AccountNames.validate("user", u.name);
      if (!names.add(AccountNames.key(u.name))) {
        throw new IllegalArgumentException(
            at + ": the name is used twice (users and groups share names)");
      }
      if (u.rid == ADMINISTRATOR_RID) {
        administrator = true;
      } else if (u.rid == GUEST_RID) {
        guest = true;
      } else if (u.rid < FIRST_RID || u.rid >= data.nextRid) {
        throw new IllegalArgumentException(
            at + ": RID " + u.rid + " is reserved or not below nextRid " + data.nextRid);
      }
      if (!rids.add(u.rid)) {
        throw new IllegalArgumentException(at + ": RID " + u.rid + " is used twice");
      }
      u.fullName = AccountNames.validateFullName(u.fullName);
      if (u.groups == null) {
        u.groups = new ArrayList<>();
      }
      List<String> canonical = new ArrayList<>();
      for (String group : u.groups) {
        String name = group == null ? null : groupNames.get(AccountNames.key(group));
        if (name == null) {
          throw new IllegalArgumentException(at + ": member of an unknown group '" + group + "'");
        }
        if (!canonical.contains(name)) {
          canonical.add(name);
        }
      }
      u.groups = canonical;
      if (u.passwordChanged != null) {
        try {
          Instant.parse(u.passwordChanged);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              at + ": passwordChanged '" + u.passwordChanged + "' is not an ISO instant");
        }
      }
      if (u.secrets != null) {
        if (u.rid == GUEST_RID) {
          throw new IllegalArgumentException(at + ": Guest cannot have a password");
        }
        validateSecrets(at, u.secrets);
      }
    }
    if (!administrator || !guest) {
      throw new IllegalArgumentException(
          "the built-in user "
              + (administrator ? GUEST + " (RID 501)" : ADMINISTRATOR + " (RID 500)")
              + " is missing");
    }
  }

  private static void validateSecrets(String at, SecretsData s) {
    try {
      Secrets.Argon2Hash.parse(s.argon2id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": secrets.argon2id: " + e.getMessage());
    }
    if (s.ntHash == null || s.ntHash.length() != 32 || !HEX.matcher(s.ntHash).matches()) {
      throw new IllegalArgumentException(at + ": secrets.ntHash must be 32 lower-case hex digits");
    }
    if (s.digestHa1 == null) {
      s.digestHa1 = new LinkedHashMap<>();
    }
    for (var realm : s.digestHa1.entrySet()) {
      if (realm.getValue() == null) {
        throw new IllegalArgumentException(
            at + ": secrets.digestHa1." + realm.getKey() + " is null");
      }
      for (var ha1 : realm.getValue().entrySet()) {
        if (!Secrets.DIGEST_ALGORITHMS.contains(ha1.getKey())
            || ha1.getValue() == null
            || !HEX.matcher(ha1.getValue()).matches()) {
          throw new IllegalArgumentException(
              at
                  + ": secrets.digestHa1."
                  + realm.getKey()
                  + "."
                  + ha1.getKey()
                  + " is not a known algorithm with a lower-case hex value");
        }
      }
    }
  }

  private static int localRid(String machineSid, String sid, String at) {
    String prefix = machineSid + "-";
    if (!sid.startsWith(prefix)) {
      throw new IllegalArgumentException(
          at + ": SID " + sid + " is not under the machine SID " + machineSid);
    }
    try {
      return Integer.parseInt(sid.substring(prefix.length()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(at + ": SID " + sid + " does not end in a RID");
    }
  }
}
