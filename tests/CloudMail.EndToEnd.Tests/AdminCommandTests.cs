using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests;

/// <summary>The admin commands of the real executable, as an operator runs them.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private readonly CloudMailProcess _cloudmail = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cloudmail.DisposeAsync();

    [Fact]
    public async Task Domains_users_and_aliases_can_be_added_listed_and_removed()
    {
        Assert.Equal(0, (await _cloudmail.AdminAsync(null, "domain", "add", "Example.TEST")).ExitCode);
        var domains = await _cloudmail.AdminAsync(null, "domain", "list");
        Assert.Contains("example.test", domains.Output);

        var add = await _cloudmail.AdminAsync("correct horse battery\n", "user", "add", "alice@example.test");
        Assert.True(add.ExitCode == 0, add.Output);
        Assert.Equal(0, (await _cloudmail.AdminAsync("another password\n", "user", "add", "bob@example.test")).ExitCode);
        var users = await _cloudmail.AdminAsync(null, "user", "list");
        Assert.Equal(["alice@example.test", "bob@example.test"], users.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(0, (await _cloudmail.AdminAsync(null, "alias", "add", "sales@example.test", "alice@example.test")).ExitCode);
        var aliases = await _cloudmail.AdminAsync(null, "alias", "list");
        Assert.Contains("sales@example.test -> alice@example.test", aliases.Output);

        Assert.Equal(0, (await _cloudmail.AdminAsync(null, "alias", "remove", "sales@example.test")).ExitCode);
        Assert.Equal(0, (await _cloudmail.AdminAsync(null, "user", "remove", "bob@example.test")).ExitCode);
        users = await _cloudmail.AdminAsync(null, "user", "list");
        Assert.DoesNotContain("bob@example.test", users.Output);
    }

    [Fact]
    public async Task An_internationalized_domain_can_be_named_in_unicode_and_is_kept_in_its_ascii_form()
    {
        var add = await _cloudmail.AdminAsync(null, "domain", "add", "Bücher.Example");
        Assert.True(add.ExitCode == 0, add.Output);
        Assert.Equal(0, (await _cloudmail.AdminAsync(null, "domain", "add", "xn--bcher-kva.example")).ExitCode); // the same domain, already there
        Assert.Equal(["xn--bcher-kva.example"], (await _cloudmail.AdminAsync(null, "domain", "list")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(0, (await _cloudmail.AdminAsync("correct horse battery\n", "user", "add", "anna@bücher.example")).ExitCode);
        var users = await _cloudmail.AdminAsync(null, "user", "list", "bücher.example");
        Assert.Equal(["anna@xn--bcher-kva.example"], users.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var records = await _cloudmail.AdminAsync(null, "dns", "records", "bücher.example");
        Assert.True(records.ExitCode == 0, records.Output);
        Assert.Contains("xn--bcher-kva.example. 3600 IN MX 10 ", records.Output, StringComparison.Ordinal);

        var invalid = await _cloudmail.AdminAsync(null, "domain", "add", "bü_cher.example");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("'bü_cher.example' is not a valid internationalized domain name", invalid.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alias_to_nobody_or_into_a_loop_is_added_with_a_warning_and_one_to_an_account_without()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.AdminAsync("correct horse battery\n", "user", "add", "alice@example.test");

        var toAccount = await _cloudmail.AdminAsync(null, "alias", "add", "sales@example.test", "alice@example.test");
        Assert.Equal((0, "alias sales@example.test -> alice@example.test added"), (toAccount.ExitCode, toAccount.Output.Trim()));
        var toAlias = await _cloudmail.AdminAsync(null, "alias", "add", "info@example.test", "sales@example.test");
        Assert.Equal((0, "alias info@example.test -> sales@example.test added"), (toAlias.ExitCode, toAlias.Output.Trim()));
        var remote = await _cloudmail.AdminAsync(null, "alias", "add", "fwd@example.test", "someone@remote.test");
        Assert.DoesNotContain("warning", remote.Output, StringComparison.Ordinal);

        var toNobody = await _cloudmail.AdminAsync(null, "alias", "add", "ghost@example.test", "nobody@example.test");
        Assert.Equal(0, toNobody.ExitCode);
        Assert.Contains("warning: nobody@example.test is not an account here, nor an alias that leads to one: mail to ghost@example.test is refused",
            toNobody.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await _cloudmail.AdminAsync(null, "alias", "add", "loop1@example.test", "loop2@example.test")).ExitCode); // warned: nothing there yet
        var loop = await _cloudmail.AdminAsync(null, "alias", "add", "loop2@example.test", "loop1@example.test");
        Assert.Contains("warning: loop1@example.test is not an account here", loop.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_add_refuses_an_unknown_domain_and_an_empty_password()
    {
        var noDomain = await _cloudmail.AdminAsync("long enough pw\n", "user", "add", "carol@nowhere.test");
        Assert.Equal(1, noDomain.ExitCode);
        Assert.Contains("error", noDomain.Output);

        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        var noPassword = await _cloudmail.AdminAsync("", "user", "add", "carol@example.test");
        Assert.Equal(1, noPassword.ExitCode);
        Assert.Contains("password", noPassword.Output);
    }

    [Fact]
    public async Task User_add_and_passwd_refuse_a_password_under_twelve_characters()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        var add = await _cloudmail.AdminAsync("only-11-chr\n", "user", "add", "erin@example.test");
        Assert.Equal(1, add.ExitCode);
        Assert.Contains("error: the password must be at least 12 characters long, not 11", add.Output);
        Assert.DoesNotContain("erin@example.test", (await _cloudmail.AdminAsync(null, "user", "list")).Output);

        Assert.Equal(0, (await _cloudmail.AdminAsync("exactly-12ch\n", "user", "add", "erin@example.test")).ExitCode);
        var passwd = await _cloudmail.AdminAsync("short\n", "user", "passwd", "erin@example.test");
        Assert.Equal(1, passwd.ExitCode);
        Assert.Contains("at least 12 characters", passwd.Output);
    }

    [Fact]
    public async Task User_quota_shows_the_default_and_sets_storage_and_message_limits()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.AdminAsync("long enough pw\n", "user", "add", "frank@example.test");

        var shown = await _cloudmail.AdminAsync(null, "user", "quota", "Frank@example.test");
        Assert.True(shown.ExitCode == 0, shown.Output);
        Assert.Contains("storage   0 B used of 10 GiB (10G) (default)", shown.Output);
        Assert.Contains("messages  0 of unlimited (default)", shown.Output);

        var set = await _cloudmail.AdminAsync(null, "user", "quota", "frank@example.test", "--storage", "500M", "--messages", "1000");
        Assert.True(set.ExitCode == 0, set.Output);
        Assert.Contains("quota of frank@example.test changed", set.Output);
        shown = await _cloudmail.AdminAsync(null, "user", "quota", "frank@example.test");
        Assert.Contains("storage   0 B used of 500 MiB (500M)\n", shown.Output.ReplaceLineEndings("\n"));
        Assert.Contains("messages  0 of 1000\n", shown.Output.ReplaceLineEndings("\n"));

        // One option changes one limit; 0 is unlimited; "default" returns to CloudMail:Quota's default.
        await _cloudmail.AdminAsync(null, "user", "quota", "frank@example.test", "--storage", "0");
        shown = await _cloudmail.AdminAsync(null, "user", "quota", "frank@example.test");
        Assert.Contains("storage   0 B used of unlimited\n", shown.Output.ReplaceLineEndings("\n"));
        Assert.Contains("messages  0 of 1000\n", shown.Output.ReplaceLineEndings("\n"));
        await _cloudmail.AdminAsync(null, "user", "quota", "frank@example.test", "--messages", "default");
        shown = await _cloudmail.AdminAsync(null, "user", "quota", "frank@example.test");
        Assert.Contains("messages  0 of unlimited (default)", shown.Output);
    }

    [Fact]
    public async Task User_quota_refuses_a_bad_size_and_an_unknown_user()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.AdminAsync("long enough pw\n", "user", "add", "gina@example.test");

        var badSize = await _cloudmail.AdminAsync(null, "user", "quota", "gina@example.test", "--storage", "lots");
        Assert.Equal(1, badSize.ExitCode);
        Assert.Contains("'lots' is not a valid storage limit", badSize.Output);
        var unknown = await _cloudmail.AdminAsync(null, "user", "quota", "nobody@example.test");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no such user", unknown.Output);
        var unknownSet = await _cloudmail.AdminAsync(null, "user", "quota", "nobody@example.test", "--storage", "1G");
        Assert.Equal(1, unknownSet.ExitCode);
        Assert.Contains("does not exist", unknownSet.Output);
    }

    [Fact]
    public async Task Unknown_command_prints_usage_with_exit_code_2()
    {
        var result = await _cloudmail.AdminAsync(null, "frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: cloudmail", result.Output);
    }

    [Fact]
    public async Task Domain_with_users_cannot_be_removed()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.AdminAsync("long enough pw\n", "user", "add", "dave@example.test");
        var result = await _cloudmail.AdminAsync(null, "domain", "remove", "example.test");
        Assert.Equal(1, result.ExitCode);
    }
}
